"""Every line the watch loop, the previews and the proof server print (in the users' language)."""

from __future__ import annotations

import time
from pathlib import Path

from jianbao.errors import display_path


def _now() -> str:
    return time.strftime("%H:%M:%S")


def built(path: Path, pages: int, size: int, seconds: float, stamp: bool = True) -> str:
    line = f"{display_path(path)}  {pages} 页  {size / 1024:.0f} KB  {seconds:.2f} s"
    return f"[{_now()}] {line}" if stamp else line


def failed(path: Path) -> str:
    kept = f"原有的 {display_path(path)} 保留不变" if path.exists() else f"{display_path(path)} 尚未生成"
    return f"[{_now()}] 未生成 PDF（见上面的错误），{kept}；改正后保存即重新生成"


def internal_error(path: Path) -> str:
    kept = f"原有的 {display_path(path)} 保留不变" if path.exists() else f"{display_path(path)} 尚未生成"
    return f"[{_now()}] make-issue 内部错误，未生成 PDF（请把以上信息报告给维护者），{kept}；仍在监视"


def watching(paths: list[Path]) -> str:
    return "正在监视 " + "、".join(display_path(p) for p in paths) + " 的改动；按 Ctrl-C 结束"


def changed(paths: list[Path]) -> str:
    names = sorted({display_path(p) for p in paths})
    shown = "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")
    return f"[{_now()}] {shown} 已改动，重新生成……"


def stopped() -> str:
    return "已停止监视；输出目录中没有写了一半的文件"


def serving(url: str) -> str:
    return f"校对页面：{url}  （只在本机可访问；页面会在每次重新生成后自动刷新）"


def previews_written(paths: list[Path], seconds: float) -> str:
    if not paths:
        return "没有可写的页面预览"
    folder = display_path(paths[0].parent)
    return f"{folder}/{paths[0].name} … {paths[-1].name}  {len(paths)} 张页面预览  {seconds:.2f} s"


def long_image_written(path: Path, size: int, seconds: float) -> str:
    return f"{display_path(path)}  长图  {size / 1024:.0f} KB  {seconds:.2f} s"
