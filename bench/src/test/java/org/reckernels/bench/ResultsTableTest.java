package org.reckernels.bench;

import org.reckernels.io.ResultsFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {
    @Test
    void resultsFileRoundTripsAndReadmeSectionIsRewritten(@TempDir Path dir) throws Exception {
        ResultsFile rf = new ResultsFile("spmm-x-d64", "NVIDIA H100 80GB HBM3", "580.1", "abc1234", "2026-11-25",
                "cmd \"quoted\"", Map.of("d", 64), Map.of("ms", 0.21, "gbps", 2400.0),
                List.of(new ResultsFile.Baseline("cusparse-spmm", Map.of("ms", 0.30))),
                Map.of("speedup_vs_cusparse-spmm", 1.43));
        Path f = rf.write(dir.resolve("results"));
        ResultsFile back = ResultsFile.read(f);
        assertEquals(rf.toJson(), back.toJson().replace("\"d\": 64.0", "\"d\": 64"));

        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "intro\n" + ResultsTable.BEGIN + "\nold\n" + ResultsTable.END + "\nafter\n");
        ResultsTable.main(new String[] {dir.resolve("results").toString(), readme.toString()});
        String text = Files.readString(readme);
        assertTrue(text.startsWith("intro\n" + ResultsTable.BEGIN + "\n| name |"), text);
        assertTrue(text.contains("| spmm-x-d64 | NVIDIA H100 80GB HBM3 | ms 0.21, gbps 2400 | cusparse-spmm: ms 0.30 | speedup_vs_cusparse-spmm 1.43 | 2026-11-25 | abc1234 |"), text);
        assertTrue(text.endsWith(ResultsTable.END + "\nafter\n"), text);
    }

    @Test
    void syntheticGraphIsGowallaSizedAndDeterministic() {
        BenchGraphs.Bipartite g = BenchGraphs.synthetic(BenchGraphs.DEFAULT_SEED);
        assertEquals(BenchGraphs.GOWALLA_INTERACTIONS, g.interactions());
        assertEquals(BenchGraphs.GOWALLA_USERS, g.users());
        BenchGraphs.Bipartite again = BenchGraphs.synthetic(BenchGraphs.DEFAULT_SEED);
        assertTrue(java.util.Arrays.deepEquals(g.items(), again.items()));
    }
}
