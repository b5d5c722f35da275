package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Conversion;
import dev.chainsync.chatpack.ConversionResult;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.OutputOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.detect.SourceDetector;
import dev.chainsync.chatpack.output.AtomicOutput;
import dev.chainsync.chatpack.tokens.TokenCounter;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatpack SOURCE INPUT... [options]}: the original's command line plus stdin/stdout, stats and more. */
@Command(
        name = "chatpack",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Compress a Telegram, WhatsApp, Instagram or Discord export into compact CSV, JSONL or JSON "
                    + "for LLM analysis. Streams: memory stays flat however large the export.",
            "",
            "SOURCE is telegram|tg, whatsapp|wa, instagram|ig, discord|dc, or auto (detect from content).",
            "INPUT is a file, or - for stdin. Several files form one conversation "
                    + "(Instagram: message_1.json message_2.json ...).",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  chatpack tg result.json -o context.csv",
            "  chatpack wa _chat.txt --after 2024-01-01 -t",
            "  chatpack ig message_1.json message_2.json -f jsonl",
            "  chatpack dc export.json --ids -r -o - | head",
            "  chatpack auto result.json --stats",
            "  chatpack bench --size 1g",
            "  chatpack web                       (the browser page, on 127.0.0.1)",
            "",
            "Exit status: 0 success, 1 conversion error, 2 usage error."
        })
final class ConvertCommand implements Callable<Integer> {

    static final String DEFAULT_OUTPUT_BASE = "optimized_chat";
    static final String STDIO = "-";
    static final String AUTO = "auto";
    /** Inputs at least this large get a progress bar on a terminal even without -p. */
    static final long LARGE_INPUT_BYTES = 32L << 20;

    private static final int READ_CHUNK = 1 << 16;

    private final Io io;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SOURCE INPUT", description = "Platform, then one or more inputs.")
    List<String> positionals = new ArrayList<>();

    @Option(
            names = "--source",
            paramLabel = "SOURCE",
            description = "Platform as an option; then every positional argument is an input.")
    String sourceOption;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Output file, - for stdout (default: " + DEFAULT_OUTPUT_BASE + ".<format>).")
    String output;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "csv",
            converter = Converters.Format.class,
            description = "csv, jsonl or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(
            names = {"-t", "--timestamps"},
            description = "Add a Timestamp column (UTC).")
    boolean timestamps;

    @Option(
            names = {"-r", "--replies"},
            description = "Add a ReplyTo column (id of the message replied to).")
    boolean replies;

    @Option(
            names = {"-e", "--edited"},
            description = "Add an Edited column (time of the last edit, UTC).")
    boolean edited;

    @Option(names = "--ids", description = "Add an ID column.")
    boolean ids;

    @Option(names = "--no-merge", description = "Keep consecutive messages of one sender apart.")
    boolean noMerge;

    @Option(
            names = "--after",
            paramLabel = "DATE",
            converter = Converters.Day.class,
            description = "Only messages on or after DATE (YYYY-MM-DD, UTC).")
    LocalDate after;

    @Option(
            names = "--before",
            paramLabel = "DATE",
            converter = Converters.Day.class,
            description = "Only messages on or before DATE (YYYY-MM-DD, UTC).")
    LocalDate before;

    @Option(names = "--from", paramLabel = "NAME", description = "Only messages from NAME (ASCII case-insensitive).")
    String from;

    @Option(
            names = {"-p", "--progress"},
            description = "Show a progress bar (on a terminal; automatic above 32 MB).")
    boolean progress;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing but errors (and --stats).")
    boolean quiet;

    @Option(
            names = "--delimiter",
            paramLabel = "CHAR",
            converter = Converters.Delimiter.class,
            description = "CSV delimiter (default: ;). 'tab' for a tab.")
    Character delimiter;

    @Option(names = "--stats", description = "Print message, byte and cl100k_base token counts of input and output.")
    boolean stats;

    @Option(
            names = "--chat",
            paramLabel = "NAME",
            description = "Telegram full-account export: convert only this chat (name or id). "
                    + "Without it, all chats, with a Chat column.")
    String chat;

    @Option(
            names = "--no-media",
            description = "Drop media-only messages instead of writing [Photo]-style placeholders.")
    boolean noMedia;

    @Option(
            names = "--no-streaming",
            hidden = true,
            description = "Accepted for compatibility with the original; chatpack always streams.")
    boolean noStreaming;

    @Option(names = "--service", description = "Keep notices (joins, pins, reactions...) on every platform.")
    boolean service;

    ConvertCommand(Io io) {
        this.io = io;
    }

    /** What to do, after the command line is validated. */
    private record Plan(String source, List<String> inputs, ConvertOptions options, Path outputPath) {}

    @Override
    public Integer call() {
        Plan plan = plan();
        try {
            return execute(plan);
        } catch (ChatpackException e) {
            return fail(e.getMessage() + otherPlatformHint(plan.source(), e.input()));
        } catch (UncheckedIOException e) {
            return fail(describe(e.getCause()));
        } catch (IOException e) {
            return fail(describe(e));
        }
    }

    /** Validates everything that can be checked without reading a file; mistakes are usage errors. */
    private Plan plan() {
        String source;
        List<String> inputs;
        if (sourceOption != null) {
            source = sourceOption;
            inputs = positionals;
        } else {
            source = positionals.getFirst();
            inputs = positionals.subList(1, positionals.size());
        }
        if (!source.equalsIgnoreCase(AUTO) && Platform.byName(source).isEmpty()) {
            throw usage("Invalid value for SOURCE: '" + source
                    + "' (expected telegram|tg, whatsapp|wa, instagram|ig, discord|dc or auto)");
        }
        if (inputs.isEmpty()) {
            throw usage("Missing required parameter: INPUT");
        }
        if (inputs.stream().filter(STDIO::equals).count() > 1) {
            throw usage("stdin (-) can be given only once");
        }
        ConvertOptions options;
        try {
            options = ConvertOptions.builder()
                    .format(format)
                    .delimiter(delimiter == null ? OutputOptions.DEFAULT_DELIMITER : delimiter)
                    .timestamps(timestamps)
                    .replies(replies)
                    .edited(edited)
                    .ids(ids)
                    .merge(!noMerge)
                    .after(after)
                    .before(before)
                    .from(from)
                    .media(!noMedia)
                    .serviceMessages(service)
                    .chat(chat)
                    .build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        String out = output == null ? DEFAULT_OUTPUT_BASE + "." + format.extension() : output;
        Path outputPath = out.equals(STDIO) ? null : io.workingDir().resolve(out);
        return new Plan(source, List.copyOf(inputs), options, outputPath);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int execute(Plan plan) throws IOException {
        long started = System.nanoTime();
        TokenCounter inTokens = stats ? new TokenCounter() : null;
        TokenCounter outTokens = stats ? new TokenCounter() : null;
        Thread inputCounter = null;
        ProgressBar bar = null;
        try {
            Inputs inputs = openInputs(plan.inputs(), inTokens);
            Platform platform = plan.source().equalsIgnoreCase(AUTO)
                    ? detect(inputs.list)
                    : Platform.byName(plan.source()).orElseThrow();
            Conversion conversion = new Conversion(platform, inputs.list, plan.options());
            if (inTokens != null) {
                inputCounter = countFileTokens(inputs.list, inTokens);
            }
            long total = inputs.totalSize();
            if (!quiet && io.interactive() && (progress || total < 0 || total >= LARGE_INPUT_BYTES)) {
                bar = ProgressBar.start(io.err(), conversion, total);
            }
            ConversionResult result;
            if (plan.outputPath() == null) {
                OutputStream out = tee(io.out(), outTokens);
                result = conversion.writeTo(out);
                out.flush();
            } else {
                try (AtomicOutput atomic = AtomicOutput.create(plan.outputPath())) {
                    OutputStream out = tee(atomic.stream(), outTokens);
                    result = conversion.writeTo(out);
                    out.flush();
                    atomic.commit();
                }
            }
            if (bar != null) {
                bar.stop();
                bar = null;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!quiet) {
                io.err()
                        .println(Report.summary(
                                platform,
                                plan.outputPath(),
                                plan.options().output().format(),
                                result,
                                seconds));
            }
            if (stats) {
                if (inputCounter != null) {
                    inputCounter.join();
                }
                long bytesIn = inputs.fileBytes() + inputs.stdinBytes;
                io.err().print(Report.stats(result, bytesIn, inTokens.finish(), outTokens.finish()));
            }
            io.err().flush();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        } finally {
            if (bar != null) {
                bar.stop();
            }
            if (inputCounter != null) {
                inputCounter.interrupt();
            }
            if (inTokens != null) {
                inTokens.close();
            }
            if (outTokens != null) {
                outTokens.close();
            }
        }
    }

    /** The inputs as given; stdin counted (and tokenized with --stats) as it is read. */
    private final class Inputs {
        final List<ChatInput> list = new ArrayList<>();
        final TokenCounter stdinTokens;
        volatile long stdinBytes;

        Inputs(TokenCounter stdinTokens) {
            this.stdinTokens = stdinTokens;
        }

        long fileBytes() {
            return list.stream()
                    .filter(ChatInput::reopenable)
                    .mapToLong(ChatInput::size)
                    .sum();
        }

        long totalSize() {
            long sum = 0;
            for (ChatInput in : list) {
                long s = in.size();
                if (s < 0) {
                    return -1;
                }
                sum += s;
            }
            return sum;
        }

        InputStream meteredStdin(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        stdinBytes += n;
                        if (stdinTokens != null) {
                            stdinTokens.accept(b, off, n);
                        }
                    }
                    return n;
                }
            };
        }
    }

    private Inputs openInputs(List<String> names, TokenCounter tokens) throws IOException {
        Inputs inputs = new Inputs(tokens);
        for (String name : names) {
            if (name.equals(STDIO)) {
                // Buffered with room to peek at the head for --source auto.
                BufferedInputStream in =
                        new BufferedInputStream(inputs.meteredStdin(io.in()), SourceDetector.HEAD_BYTES + 1);
                inputs.list.add(ChatInput.of(ChatInput.STDIN_NAME, in));
                continue;
            }
            Path path = io.workingDir().resolve(name);
            if (!Files.exists(path)) {
                throw new NoSuchFileException(name);
            }
            if (Files.isDirectory(path)) {
                throw new ChatpackException(name, null, "is a directory, not an export file");
            }
            if (!Files.isReadable(path)) {
                throw new AccessDeniedException(name);
            }
            inputs.list.add(new ChatInput(name, path, null));
        }
        return inputs;
    }

    private static Platform detect(List<ChatInput> inputs) throws IOException {
        Platform found = null;
        for (ChatInput in : inputs) {
            Platform p;
            if (in.reopenable()) {
                p = SourceDetector.detect(in);
            } else {
                InputStream s = in.stream();
                s.mark(SourceDetector.HEAD_BYTES);
                byte[] head = s.readNBytes(SourceDetector.HEAD_BYTES);
                s.reset();
                p = SourceDetector.detect(in.name(), head);
            }
            if (found != null && p != found) {
                throw new ChatpackException(
                        in.name(),
                        null,
                        "looks like a " + p.displayName() + " export, but "
                                + inputs.getFirst().name() + " looks like " + found.displayName());
            }
            found = p;
        }
        return found;
    }

    /** Tokenizes the input files on their own thread, in parallel with the conversion. */
    private static Thread countFileTokens(List<ChatInput> inputs, TokenCounter counter) {
        List<ChatInput> files = inputs.stream().filter(ChatInput::reopenable).toList();
        if (files.isEmpty()) {
            return null;
        }
        return Thread.ofPlatform().daemon().name("chatpack-input-tokens").start(() -> {
            byte[] buf = new byte[READ_CHUNK];
            for (ChatInput f : files) {
                try (InputStream in = f.open()) {
                    int n;
                    while ((n = in.read(buf)) > 0 && !Thread.currentThread().isInterrupted()) {
                        counter.accept(buf, 0, n);
                    }
                } catch (IOException | RuntimeException e) {
                    // The conversion reads the same file and reports the problem itself.
                    return;
                }
            }
        });
    }

    private static OutputStream tee(OutputStream out, TokenCounter counter) {
        if (counter == null) {
            return out;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                counter.accept(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /**
     * When a file given to one platform's command fails and reads as another platform's export, says which
     * command to use; otherwise "". Standard input cannot be read twice, so it gets no hint.
     */
    private String otherPlatformHint(String source, String input) {
        Optional<Platform> given = Platform.byName(source);
        if (given.isEmpty() || input == null || input.equals(STDIO) || input.equals(ChatInput.STDIN_NAME)) {
            return "";
        }
        Path path = io.workingDir().resolve(input);
        if (!Files.isRegularFile(path)) {
            return "";
        }
        try {
            Platform actual = SourceDetector.detect(new ChatInput(input, path, null));
            if (actual == given.get()) {
                return "";
            }
            return "; it looks like a " + actual.displayName() + " export: use 'chatpack "
                    + actual.names().get(1) + " " + input + "' (or 'chatpack auto')";
        } catch (IOException | RuntimeException undetectable) {
            return "";
        }
    }

    private int fail(String message) {
        io.err().println("chatpack: error: " + message);
        io.err().flush();
        return Main.EXIT_RUNTIME;
    }

    /** One line for an I/O failure, naming the file as the user typed it. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            String reason = n.getReason();
            return n.getFile() + ": " + (reason == null ? "no such file" : reason);
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() == null ? "cannot access" : f.getReason());
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
