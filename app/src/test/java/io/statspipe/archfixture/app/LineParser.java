package io.statspipe.archfixture.app;

/** Breaks "app holds no parser": a parser of input inside app. */
public final class LineParser {
    public String[] parse(String body) {
        return body.split("\n");
    }
}
