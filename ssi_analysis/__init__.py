"""ssi-analysis: a research kit for LinkedIn's Social Selling Index (SSI)."""
__version__ = "0.1.0"
