"""xueji (學籍): student registration and student numbers for a university's academic affairs office."""

__version__ = "0.1.0"
