"""Tools on top of the domain: the command line, the sample data, the benchmark."""
