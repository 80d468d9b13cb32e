package io.jsock.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: subcommands for serving, connecting, looking at sockets, the lab and benchmarks. */
@Command(name = "jsock",
        mixinStandardHelpOptions = true,
        versionProvider = JsockCommand.Version.class,
        description = {
            "The BSD socket API and the classic concurrent TCP server (UNP chapter 4), over the real kernel.",
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            SsCommand.class,
            LabCommand.class,
            ConnectCommand.class,
            TraceCommand.class,
        })
public final class JsockCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line: subcommands, the exit-code mapping and the one-line error handler. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new JsockCommand());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setParameterExceptionHandler(Errors::badUsage);
        cl.registerConverter(Integer.class, new Integers()); // ASCII digits only, for every int option
        cl.registerConverter(int.class, new Integers());
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = JsockCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {
                "jsock " + p.getProperty("version", "unknown"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            };
        }
    }
}
