"""Builders shared by the privacy tests."""

from __future__ import annotations

import dataclasses

from menwei.privacy.consent import NoticeContent


def notice_content(**changes) -> NoticeContent:
    base = NoticeContent(
        community_name="阳光花园",
        processor_name="阳光物业服务有限公司",
        processor_contact="0571-8888 0000",
        responsible_person="李敏",
        responsible_contact="privacy@example.cn",
        supervisor="西湖区住房和城乡建设局",
        purpose="小区出入口通行核验",
        method="在本小区门禁设备上进行 1:N 比对",
        retention_days=365,
        moved_out_days=30,
        alternatives="门卡、密码、二维码",
        how_to_withdraw="在业主小程序中点击“撤回同意”，或到物业前台提交书面申请",
        how_to_access="在业主小程序中下载我的数据",
        how_to_delete="在业主小程序中申请删除",
    )
    return dataclasses.replace(base, **changes)
