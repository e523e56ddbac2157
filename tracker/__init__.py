"""Theo dõi Kế hoạch dân vận chính quyền 2026: the domain package behind the Streamlit pages."""
