"""credit-scoring: the command line and the settings shared by every stage."""

__version__ = "0.1.0"
