package dev.cacheflush;

public final class Main {
  public static void main(String[] args) {
    System.exit(0);
  }
}
