"""キットのファイルが SHA256SUMS のとおりか確かめます（Python の標準機能だけを使います）。

    py -3.12 verify_kit.py

install.bat が最初に実行します。足りないファイル・内容の違うファイルがあれば、一覧して終了コード 1 を返します。
"""

import hashlib
import sys
from pathlib import Path


def main() -> int:
    kit = Path(__file__).resolve().parent
    sums = kit / "SHA256SUMS"
    if not sums.is_file():
        print(f"エラー: {sums} がありません。キットをもう一度コピーしてください。")
        return 1
    problems = []
    lines = sums.read_text(encoding="utf-8").splitlines()
    for line in lines:
        digest, name = line.split("  ", 1)
        path = kit / name
        if not path.is_file():
            problems.append(f"  ありません: {name}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"  内容が違います: {name}")
    if problems:
        print("エラー: キットのファイルが作成時と違います（コピーの途中で壊れた可能性があります）:")
        print("\n".join(problems))
        return 1
    print(f"  {len(lines)} 個のファイルを確認しました（すべて SHA256SUMS のとおりです）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
