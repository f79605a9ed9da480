.PHONY: demo test setup lint catalogs

setup:
	scripts/bootstrap

demo: setup
	.venv/bin/menwei demo

test:
	scripts/test

lint: setup
	.venv/bin/ruff check src tests bench && .venv/bin/ruff format --check src tests bench

# Compile every page catalog (one .po per area and language) and the errors catalog after
# editing them.
catalogs:
	.venv/bin/pybabel compile -d src/menwei/server/locale -D "$$(ls src/menwei/server/locale/zh_CN/LC_MESSAGES/*.po | xargs -n1 basename | sed 's/\.po$$//' | tr '\n' ' ')"
	.venv/bin/pybabel compile -d src/menwei/text/locale -D errors
