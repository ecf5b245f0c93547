"""Lint rule modules. Each module registers its rules on import (see ``registry._load_rules``)."""
