"""TokenFlow ML service: prompt compression, classification and local chat completions."""

__version__ = "0.1.0"
