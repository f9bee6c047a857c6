package dev.cacheflush.cli;

import dev.cacheflush.flush.StopSignal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step of the distribution (pom.xml, profile dist): writes the bash completion script (zsh
 * loads it through bashcompinit) and the AsciiDoc man pages, one per command, from the same
 * picocli model the tool runs, so neither can drift from the options. Not a test: a build tool
 * that needs the package-private commands.
 */
public final class ShellDocs {
  private ShellDocs() {}

  /** @param args the completion script's path, the folder for the man pages' AsciiDoc, the version */
  public static void main(String[] args) throws IOException {
    CommandLine cli =
        Cli.commandLine(
            new CliContext(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                Map.of(),
                Path.of(""),
                null,
                new StopSignal()));
    // The classes are not in the jar yet, so the version comes from the build.
    cli.getCommandSpec().versionProvider(() -> new String[] {"cacheflush " + args[2]});
    Path completion = Path.of(args[0]);
    Files.createDirectories(completion.getParent());
    Files.writeString(completion, AutoComplete.bash("cacheflush", cli));
    Path manPages = Files.createDirectories(Path.of(args[1]));
    int code =
        ManPageGenerator.generateManPage(
            manPages.toFile(), null, new boolean[0], true, cli.getCommandSpec());
    if (code != 0) {
      throw new IllegalStateException("picocli's ManPageGenerator exited " + code);
    }
  }
}
