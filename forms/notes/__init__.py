"""The staff's list of finalised notes, one window: the window (notes_window), its
table (notes_table, table_model), filter bar, PDF preview and print and export jobs."""
