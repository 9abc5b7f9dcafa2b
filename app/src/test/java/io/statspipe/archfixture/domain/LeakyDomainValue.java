package io.statspipe.archfixture.domain;

/** Breaks "domain depends on the JDK and DataSketches only": it uses a command-line library. */
public record LeakyDomainValue(picocli.CommandLine commandLine) {
}
