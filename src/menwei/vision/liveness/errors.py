"""Errors of presentation-attack detection, in the face engine's one exception tree."""

from __future__ import annotations

from menwei.vision.errors import VisionError


class LivenessError(VisionError):
    """Base of the liveness errors; a failed check is a result, never one of these."""

    code = "liveness"
    default_zh = "活体检测无法进行，请联系管理员。"


class PadParametersError(LivenessError):
    """The presentation-attack parameters are missing, altered or made for other features."""

    code = "pad_parameters"
    default_zh = "活体检测参数文件缺失或已被改动，请重新安装。"


class ChallengeError(LivenessError):
    """An active challenge was used wrongly (answered twice, after it was settled, bad input)."""

    code = "liveness_challenge"
    default_zh = "动作验证状态无效，请重新开始。"
