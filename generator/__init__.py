"""bibsite: raw publication listings -> YAML records -> a static bibliography site."""

__version__ = "0.1.0"
