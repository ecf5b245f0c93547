"""Report writers: CSV tables, plots and the human report (Markdown and HTML)."""
