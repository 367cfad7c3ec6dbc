"""master.readers."""
