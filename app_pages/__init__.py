"""The app's pages (one module each) and the helpers they share (``_engine``, ``_records``, ``_ui`` …)."""
