.PHONY: demo test setup lint

setup:
	scripts/bootstrap

demo: setup
	.venv/bin/menwei demo

test:
	scripts/test

lint: setup
	.venv/bin/ruff check src tests bench && .venv/bin/ruff format --check src tests bench
