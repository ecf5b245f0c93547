# Two commands on a fresh machine:  make demo   and   make test
# Each creates the virtual environment (.venv) and installs what it needs first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "qbank needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## demo: validate, lint and summarize the shipped bank, assemble its operational forms
## (reports/forms: forms, staff answer keys, form report), simulate an administration of those
## forms (labelled SIMULATED), analyze and calibrate it; reports go to reports/
demo: $(STAMP)
	$(BIN)/qbank validate
	$(BIN)/qbank lint
	$(BIN)/qbank coverage --out reports/coverage.txt
	$(BIN)/qbank coverage --format json --out reports/coverage.json
	$(BIN)/qbank lint --format markdown --out reports/lint.md
	$(BIN)/qbank summary --out reports/bank-summary.txt
	$(BIN)/qbank summary --format json --out reports/bank-summary.json
	@cat reports/bank-summary.txt
	$(BIN)/qbank assemble --out reports/forms --seed 7
	$(BIN)/qbank simulate --forms-dir reports/forms --out reports/simulated-administration \
		--candidates 800 --form-mean F2=0.4 --form-mean F3=-0.3 --plant-dif 3 --seed 7
	$(BIN)/qbank analyze reports/simulated-administration/simulated-responses.csv \
		--group group --reference reference --out reports/analysis
	$(BIN)/qbank calibrate reports/simulated-administration/simulated-responses.csv \
		--model 2pl --out reports/calibration
	@echo "Report: reports/analysis/report.html (SIMULATED data)"

## test: lint (ruff) and the test suite (pytest)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: timing benchmarks (not part of the tests)
bench: $(STAMP)
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_lint.py
	$(BIN)/python bench/bench_calibrate.py
	$(BIN)/python bench/bench_assemble.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
