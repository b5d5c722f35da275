@echo off
rem chatpack launcher for Windows: runs chatpack.jar with the runtime bundled beside it (..\runtime, as in
rem the self-contained image), else the java on the PATH. CHATPACK_JAVA_OPTS replaces the default JVM options.
setlocal
set "HERE=%~dp0"
set "JAVA=java"
if exist "%HERE%..\runtime\bin\java.exe" set "JAVA=%HERE%..\runtime\bin\java.exe"
if not defined CHATPACK_JAVA_OPTS set "CHATPACK_JAVA_OPTS=-XX:+UseSerialGC"
"%JAVA%" %CHATPACK_JAVA_OPTS% -jar "%HERE%..\lib\chatpack.jar" %*
