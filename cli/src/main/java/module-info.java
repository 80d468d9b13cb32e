/** The {@code jsock} command: {@code serve}, {@code connect}, {@code ss}, {@code lab}, {@code bench}. */
module io.jsock.cli {
    requires io.jsock.server;
    requires io.jsock.lab;
    requires info.picocli;
    requires com.fasterxml.jackson.jr.ob; // JSON output
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM and SIGINT handled in order

    // picocli builds the commands and fills their options by reflection.
    opens io.jsock.cli to info.picocli;
}
