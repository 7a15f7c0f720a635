"""The kit's version, alone in a module: ``ssi-analysis --version`` loads nothing else."""

__version__ = "0.1.0"
