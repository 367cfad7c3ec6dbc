@echo off
rem kaikaku-xl ${version}: offline install.  Usage: install.bat [install folder]  (default %LOCALAPPDATA%\kaikaku-xl)
rem
rem Encoding: this file is CP932 (Shift_JIS) with CRLF line endings, written so by tools/build_kit.py.
rem cmd.exe reads a batch file line by line and decodes each line with the console's current code page; on
rem Japanese Windows that is 932. "chcp 932" below makes it 932 even where it was changed (for example by the
rem "Unicode UTF-8" beta option of the system locale), so every line after it decodes as written; the lines
rem before it are ASCII only. The code page in use before is restored at the end. (UTF-8 with "chcp 65001" was
rem not chosen: a BOM breaks the first line, and older cmd.exe builds misread multi-byte lines under 65001.)
rem CRLF: cmd.exe finds "goto" labels by reading the file in blocks; LF-only files can miss labels.
setlocal EnableExtensions
set "KK_OLDCP="
for /f "tokens=2 delims=:." %%c in ('chcp') do set "KK_OLDCP=%%c"
chcp 932 >nul
set "KK_RC=0"
set "KIT=%~dp0"
set "DEST=%~1"
if "%DEST%"=="" set "DEST=%LOCALAPPDATA%\kaikaku-xl"
set "VENV=%DEST%\venv"
set "CONF=%USERPROFILE%\.xlwings\xlwings.conf"
rem Left by step 5, so that running install.bat again does not take its own xlwings.conf for the user's.
set "MARK=%USERPROFILE%\.xlwings\kaikaku-xl.installed"

echo ============================================================
echo  kaikaku-xl ${version} のインストール（オフライン）
echo ============================================================
echo キットの場所　: %KIT%
echo インストール先: %VENV%
echo.

echo [1/6] Python ${py_first} または ${py_second}（64 ビット）を探しています...
set "PYV=${py_first}"
py -%PYV%-64 -c "import sys" >nul 2>&1 && goto :python_found
set "PYV=${py_second}"
py -%PYV%-64 -c "import sys" >nul 2>&1 && goto :python_found
goto :no_python
:python_found
echo   Python %PYV% を使います。

echo [2/6] キットのファイルを確認しています（SHA256SUMS）...
py -%PYV%-64 "%KIT%verify_kit.py"
if errorlevel 1 goto :fail

echo [3/6] Python の仮想環境を作成しています...
if exist "%VENV%\Scripts\python.exe" echo   以前の環境を削除して作り直します。
if exist "%VENV%\Scripts\python.exe" rmdir /s /q "%VENV%"
py -%PYV%-64 -m venv "%VENV%"
if errorlevel 1 goto :fail

echo [4/6] kaikaku-xl と必要なパッケージをキットからインストールしています（インターネットは使いません）...
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%KIT%wheels" --disable-pip-version-check --no-warn-script-location ${requirement}
if errorlevel 1 goto :fail

echo [5/6] Excel に xlwings ${xlwings} のアドインを登録しています（Excel が画面に出ずに起動します）...
if exist "%CONF%" if not exist "%MARK%" copy /y "%CONF%" "%CONF%.before-kaikaku" >nul
"%VENV%\Scripts\xlwings.exe" addin install
"%VENV%\Scripts\xlwings.exe" config create --force
if errorlevel 1 goto :fail
type nul > "%MARK%"
if not exist "%APPDATA%\Microsoft\Excel\XLSTART\xlwings.xlam" echo   注意: アドインを登録できませんでした。Excel を閉じてから、もう一度実行してください。マクロ付きマスターはアドインなしでも動きます。
echo   Excel が使う Python: %VENV%\Scripts\python.exe（%CONF% に記録）

echo [6/6] 動作を確認しています（一時フォルダーでマスターを作成して更新します）...
"%VENV%\Scripts\kaikaku.exe" --version
if errorlevel 1 goto :fail
rem The VBA of the master loads this DLL from the venv's folder (xlwings: "Virtualenv").
if not exist "%VENV%\xlwings64-${xlwings}.dll" goto :no_dll
set "CHECK=%TEMP%\kaikaku-kit-check-%RANDOM%"
mkdir "%CHECK%"
"%VENV%\Scripts\kaikaku.exe" init -q --xlsm "%CHECK%\kit_check.xlsm"
if errorlevel 1 goto :fail_check
"%VENV%\Scripts\kaikaku.exe" refresh -q "%CHECK%\kit_check.xlsm"
if errorlevel 1 goto :fail_check
"%VENV%\Scripts\python.exe" -c "import xlwings, win32com.client, kaikaku_udfs; print('xlwings', xlwings.__version__)"
if errorlevel 1 goto :fail_check
rmdir /s /q "%CHECK%"

echo.
echo インストールが完了しました。確認もすべて成功しました。
echo   コマンド　: "%VENV%\Scripts\kaikaku.exe"
echo   マスター　: %KIT%master\omitama_master.xlsm と omitama_master.py を、2つ一緒に共有フォルダーへコピーします。
echo   この後の Excel の設定は README_導入手順.txt の「6.」を見てください。
goto :end

:no_python
echo.
echo エラー: Python ${py_first} または ${py_second}（64 ビット）が見つかりません。
echo   README_導入手順.txt の「2. Python のインストール」を行ってから、もう一度実行してください。
set "KK_RC=1"
goto :end

:no_dll
echo   %VENV%\xlwings64-${xlwings}.dll がありません。マスターのマクロが Python を呼び出すために必要です。
goto :fail

:fail_check
echo   確認用のファイルは %CHECK% に残しています。
:fail
echo.
echo エラー: インストールを中止しました。上に表示されたメッセージを確認してください。
echo   この PC に加えた変更は uninstall.bat で元に戻せます。
set "KK_RC=1"

:end
echo.
pause
if defined KK_OLDCP chcp %KK_OLDCP% >nul
endlocal & exit /b %KK_RC%
