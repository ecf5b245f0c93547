"""qbank: a toolkit for exam question banks and item analysis.

The library is usable without the command line::

    from toolkit.bank import load_bank
    bank = load_bank("bank")
    print(len(bank.items), bank.blueprint.exam.name)
"""

__version__ = "0.1.0"
