"""The kit's version, in a module of its own so that ``ssi-analysis --version`` loads nothing else."""

__version__ = "0.1.0"
