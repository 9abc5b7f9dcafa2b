package io.statspipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirTest {

    @Test
    void closingDeletesTheFolderWithEverythingInIt() throws Exception {
        Path path;
        try (ScratchDir dir = ScratchDir.create("statspipe-scratch-test")) {
            path = dir.path();
            Files.createDirectories(dir.resolve("kafka/partition-0"));
            Files.writeString(dir.resolve("kafka/partition-0/00000.log"), "records");
            Files.writeString(dir.resolve("top.txt"), "x");
            assertThat(dir.resolve("kafka/partition-0/00000.log")).exists();
        }

        assertThat(path).doesNotExist();
    }
}
