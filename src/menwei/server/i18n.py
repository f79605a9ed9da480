"""User-facing messages of the server in zh-CN (the default) and en.

A message is looked up by a stable code; the language comes from the signed-in user's locale or
the ``Accept-Language`` header. Messages say what went wrong and what to do next, plainly.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "validation_error": {
        "zh-CN": "提交的内容有误：{fields}。请检查后重新提交。",
        "en": "Some input is not valid: {fields}. Please correct it and try again.",
    },
    "not_found": {
        "zh-CN": "找不到该页面或记录。请检查地址是否正确。",
        "en": "That page or record does not exist. Please check the address.",
    },
    "method_not_allowed": {
        "zh-CN": "此地址不支持该操作（{method}）。",
        "en": "This address does not accept that operation ({method}).",
    },
    "unauthenticated": {
        "zh-CN": "请先登录。",
        "en": "Please sign in first.",
    },
    "invalid_credentials": {
        "zh-CN": "用户名或密码不正确。请重试，多次失败后账户会被暂时锁定。",
        "en": "The user name or password is wrong. Try again; repeated failures lock the "
        "account for a while.",
    },
    "account_locked": {
        "zh-CN": "登录失败次数过多，账户已暂时锁定。请在 {minutes} 分钟后再试，或联系管理员。",
        "en": "Too many failed sign-ins; the account is locked for now. Try again in "
        "{minutes} minutes or ask an administrator.",
    },
    "account_disabled": {
        "zh-CN": "该账户已停用。请联系管理员。",
        "en": "This account is disabled. Please contact an administrator.",
    },
    "forbidden": {
        "zh-CN": "您没有权限进行此操作。如需权限，请联系管理员。",
        "en": "You are not allowed to do this. Ask an administrator if you need access.",
    },
    "conflict": {
        "zh-CN": "该记录与已有记录冲突：{reason}",
        "en": "This conflicts with an existing record: {reason}",
    },
    "invalid_request": {
        "zh-CN": "请求无法处理：{reason}",
        "en": "The request cannot be processed: {reason}",
    },
    "payload_too_large": {
        "zh-CN": "上传的内容过大（上限 {limit}）。请拆分后再上传。",
        "en": "The upload is too large (limit {limit}). Please split it and try again.",
    },
    "import_rejected": {
        "zh-CN": "导入文件中有 {count} 行错误，未导入任何数据。请按行修正后重新导入。",
        "en": "The import file has {count} invalid rows; nothing was imported. Correct the "
        "listed lines and import again.",
    },
    "internal_error": {
        "zh-CN": "服务器出现内部错误，操作未完成，已有数据未受影响。"
        "请稍后再试；如持续出现请联系管理员。",
        "en": "Something went wrong on the server; the operation did not complete and no stored "
        "data was changed. Try again later, and tell an administrator if it keeps happening.",
    },
    "device_door_forbidden": {
        "zh-CN": "该设备无权上报此门的记录。",
        "en": "This device may not report events for that door.",
    },
}


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The locale to answer in: what this request asks for, else the user's own, else zh-CN."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    if preferred in LOCALES:
        return preferred  # type: ignore[return-value]
    return DEFAULT_LOCALE


def message(code: str, locale: str, **values: object) -> str:
    """The text for ``code`` in ``locale``; unknown codes fall back to the internal-error text."""
    texts = MESSAGES.get(code) or MESSAGES["internal_error"]
    template = texts.get(locale) or texts[DEFAULT_LOCALE]
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
