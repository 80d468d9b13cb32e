package io.jsock.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code jsock lab --report}'s page, from a real run of the handshake and close-vs-shutdown experiments,
 * rendered by a real headless browser (Debian's chromium): it loads without errors, the screenshot is
 * not blank, and the SVG has the arrows the capture saw, in order. The page and its screenshot stay in
 * {@code lab/target/report/} for people to look at.
 */
class ReportInBrowserTest {
    static {
        System.setProperty("jsock.lab.limitSeconds", "180"); // what the kernel does, not how fast a loaded machine is
    }

    private static final Pattern ARROW = Pattern.compile("<g class=\"arrow\" data-flags=\"([^\"]+)\" data-direction=\"(\\w+)\">");

    @Test
    void theReportRendersInChromiumWithTheHandshakesArrowsInOrder() throws Exception {
        assumeTrue(isRoot(), "skipped: capturing segments needs CAP_NET_RAW (root)");
        String chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElse(null);
        assumeTrue(chromium != null, "skipped: chromium is not installed (scripts/install-deps.sh installs it)");

        List<Outcome> outcomes = List.of(Lab.run(Lab.named("handshake")), Lab.run(Lab.named("close-vs-shutdown")));
        for (Outcome o : outcomes) assertThat(o.unexpected()).as(o.experiment().name() + ": " + o.evidence()).isEmpty();
        String html = Report.html(outcomes);

        // The SVG: the handshake's ladder starts SYN ->, SYN-ACK <-, ACK ->; close-vs-shutdown's abortive close shows RST-ACK.
        String handshake = html.substring(html.indexOf("id=\"handshake\""), html.indexOf("id=\"close-vs-shutdown\""));
        List<String> arrows = new ArrayList<>();
        for (Matcher m = ARROW.matcher(handshake); m.find(); ) arrows.add(m.group(1) + " " + m.group(2));
        assertThat(arrows).startsWith("SYN right", "SYN-ACK left", "ACK right").contains("FIN-ACK right", "FIN-ACK left");
        assertThat(html.substring(html.indexOf("id=\"close-vs-shutdown\""))).contains("data-flags=\"RST-ACK\" data-direction=\"left\"");
        assertThat(html).as("self-contained: nothing loaded from elsewhere")
                .doesNotContain("<script", "<link", "src=", "url(http", "@import").contains("<svg");

        Path dir = Path.of("target", "report").toAbsolutePath();
        Files.createDirectories(dir);
        Path page = Files.writeString(dir.resolve("lab-report.html"), html);
        Path png = dir.resolve("lab-report.png");
        Files.deleteIfExists(png);
        Path profile = Files.createTempDirectory("jsock-chromium");
        try {
            Result dom = chromium(chromium, profile, "--dump-dom", page.toUri().toString());
            assertThat(dom.exit()).as("chromium --dump-dom: " + dom.err()).isZero();
            assertThat(dom.out()).as("the page as the browser built it").contains("<svg", "data-flags=\"SYN-ACK\"", "jsock lab");
            assertThat(count(dom.out(), "class=\"arrow\"")).isEqualTo(count(html, "class=\"arrow\""));
            assertThat(dom.err()).as("no console errors, nothing failed to load").doesNotContain("Uncaught", "Failed to load", "ERR_FILE_NOT_FOUND");

            Result shot = chromium(chromium, profile, "--screenshot=" + png, "--window-size=1000,1600", page.toUri().toString());
            assertThat(shot.exit()).as("chromium --screenshot: " + shot.err()).isZero();
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as("a PNG at " + png).isNotNull();
            assertThat(colours(image)).as("distinct colours in the screenshot (a blank page has one)").isGreaterThan(8);
            assertThat(darkPixels(image)).as("pixels of text and lines").isGreaterThan(image.getWidth() * image.getHeight() / 200);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) p.toFile().delete();
            }
        }
    }

    private record Result(int exit, String out, String err) {}

    /** Runs headless chromium (as root it needs --no-sandbox) with its own profile; at most 120 s. */
    private static Result chromium(String chromium, Path profile, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        argv.addAll(List.of(args));
        File out = File.createTempFile("jsock-chromium", ".out"), err = File.createTempFile("jsock-chromium", ".err");
        Process p = new ProcessBuilder(argv).redirectOutput(out).redirectError(err).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium ends within 120 s").isTrue();
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // its renderer and zygote, started by it
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            out.delete();
            err.delete();
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) for (int x = 0; x < image.getWidth(); x += 2) seen.add(image.getRGB(x, y));
        return seen.size();
    }

    private static long darkPixels(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) < 384) n++;
            }
        }
        return n;
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
    }
}
