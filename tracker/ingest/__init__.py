"""Uploaded workbooks: file safety, the bounded reader (run in isolated workers), submissions, bulk import, the marked-up copy and the template."""
