"""Everything Streamlit: the page shell, filters, display tables, charts and page bodies. The only package (with pages/ and app.py) that imports streamlit."""
