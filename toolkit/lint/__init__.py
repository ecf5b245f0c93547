"""``qbank lint``: item-writing quality, blueprint coverage and git-aware version rules."""

from .config import ConfigError, LintConfig, load_config
from .engine import Fix, LintContext, LintReport, apply_fixes, lint_bank
from .gitview import GitError
from .registry import RULES, Finding, Rule, rule, rules_by_code

__all__ = [
    "RULES",
    "ConfigError",
    "Finding",
    "Fix",
    "GitError",
    "LintConfig",
    "LintContext",
    "LintReport",
    "Rule",
    "apply_fixes",
    "lint_bank",
    "load_config",
    "rule",
    "rules_by_code",
]
