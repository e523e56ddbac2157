"""What leaves the product: the one guarded CSV writer and the export files."""
