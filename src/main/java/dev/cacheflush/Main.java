package dev.cacheflush;

import dev.cacheflush.cli.Cli;
import dev.cacheflush.cli.CliContext;

public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(CliContext.system(), args));
  }
}
