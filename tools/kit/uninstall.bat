@echo off
rem kaikaku-xl ${version}: undo install.bat.  Usage: uninstall.bat [install folder]  (the folder given to install.bat)
rem CP932 with CRLF line endings, for the reasons given at the top of install.bat.
setlocal EnableExtensions
set "KK_OLDCP="
for /f "tokens=2 delims=:." %%c in ('chcp') do set "KK_OLDCP=%%c"
chcp 932 >nul
set "DEST=%~1"
if "%DEST%"=="" set "DEST=%LOCALAPPDATA%\kaikaku-xl"
set "VENV=%DEST%\venv"
set "CONF=%USERPROFILE%\.xlwings\xlwings.conf"
set "ADDIN=%APPDATA%\Microsoft\Excel\XLSTART\xlwings.xlam"
set "MARK=%USERPROFILE%\.xlwings\kaikaku-xl.installed"

echo kaikaku-xl をアンインストールします: %VENV%
echo.
echo [1/3] Excel から xlwings のアドインを外しています...
if exist "%VENV%\Scripts\xlwings.exe" "%VENV%\Scripts\xlwings.exe" addin remove
if exist "%ADDIN%" del "%ADDIN%"
echo [2/3] xlwings の設定を元に戻しています...
if exist "%CONF%.before-kaikaku" goto :restore_conf
if exist "%CONF%" del "%CONF%"
goto :remove_venv
:restore_conf
move /y "%CONF%.before-kaikaku" "%CONF%" >nul
echo   インストール前の %CONF% を戻しました。
:remove_venv
if exist "%MARK%" del "%MARK%"
echo [3/3] 仮想環境を削除しています...
if exist "%VENV%" rmdir /s /q "%VENV%"
rem Only an empty install folder is removed: never a folder that holds anything else.
if exist "%DEST%" rmdir "%DEST%" 2>nul
echo.
echo 完了しました。Python 本体は「設定 → アプリ」から別にアンインストールできます。
echo マスター（.xlsm と .py）や出力したファイルは削除していません。
echo.
pause
if defined KK_OLDCP chcp %KK_OLDCP% >nul
endlocal & exit /b 0
