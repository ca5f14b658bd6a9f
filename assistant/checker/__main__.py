"""`python -m assistant.checker`: regenerate docs/rules.md from the rules."""

from assistant.checker.docs import rules_doc_markdown
from assistant.config import PACKAGE_ROOT

target = PACKAGE_ROOT / "docs" / "rules.md"
target.parent.mkdir(exist_ok=True)
target.write_text(rules_doc_markdown(), encoding="utf-8")
print(f"wrote {target}")
