@echo off
rem mail-setup: the command line of the installed Mail Setup, without opening a window.
rem Installed beside "Mail Setup.exe"; add that folder to PATH, or call this file by its full path.
"%~dp0Mail Setup.exe" --cli %*
exit /b %ERRORLEVEL%
