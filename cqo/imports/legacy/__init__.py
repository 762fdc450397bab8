"""Reading a province's legacy archive: Excel and CSV files exported by older systems."""
