package io.jsock.cli;

import picocli.CommandLine;

/** The {@code jsock} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(JsockCommand.commandLine().execute(args));
    }
}
