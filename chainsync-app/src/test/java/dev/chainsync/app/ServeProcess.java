package dev.chainsync.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a {@code chainsync} JVM started by a test, on the test's own classpath. */
final class ServeProcess {
    private ServeProcess() {}

    /** {@code java -cp <test classpath> Main <args>}, with the test logging configuration. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=logback-test.xml",
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The multipart boundary of {@link #credentialForm}. */
    static final String BOUNDARY = "b0undary";

    /** A {@code POST /v1/credentials} body: issuer {@code uni}, recipient {@code student}, the file's {@code content}. */
    static String credentialForm(String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"issuer_id\"\r\n\r\nuni\r\n"
                + "--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"recipient_id\"\r\n\r\nstudent\r\n"
                + "--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.txt\"\r\n\r\n"
                + content + "\r\n--" + BOUNDARY + "--\r\n";
    }
}
