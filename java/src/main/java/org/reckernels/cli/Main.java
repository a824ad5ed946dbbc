package org.reckernels.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.backend.BackendInfo;
import org.reckernels.backend.BackendUnavailableException;
import org.reckernels.backend.Backends;

/**
 * Command-line entry point: {@code reckernels <command> [options]}. The only code in the library
 * that parses arguments or prints for a terminal.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "info" -> info(rest, out);
                case "train" -> TrainCommand.run(rest, out);
                case "eval" -> EvalCommand.run(rest, out);
                case "leaderboard" -> LeaderboardCommand.run(rest, out);
                case "index" -> IndexCommand.run(rest, out);
                default -> {
                    err.println("reckernels: unknown command '" + args[0] + "'");
                    usage(err);
                    yield 2;
                }
            };
        } catch (java.io.IOException e) {
            err.println("reckernels " + args[0] + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | BackendUnavailableException e) {
            err.println("reckernels " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: reckernels <command> [options]");
        out.println();
        out.println("commands:");
        out.println("  info [--backend auto|java|cuda]   which backend runs the ops, why, on what device, with which kernels");
        out.println("  train lightgcn|mf|ngcf [options]  BPR training + full-ranking evaluation (default data: synthetic)");
        out.println("        --data DIR (train.txt + test.txt, 'user item item ...')  --epochs N  --dim D  --layers K");
        out.println("        --lr X  --l2 X  --batch B  --eval-every N  --patience P  --seed S  --save FILE  --backend B");
        out.println("        --dropout P (ngcf message dropout, default 0.1; 0 disables)");
        out.println("  train ncf [options]               NCF (NeuMF: GMF + MLP tower), BCE with sampled negatives + full ranking");
        out.println("        --data DIR  --dim D (GMF)  --layers 64,32,16 (MLP tower, input = 2 x MLP embedding)  --lr X  --l2 X");
        out.println("        --batch B (positives)  --negatives K  --epochs N  --eval-every N  --patience P  --seed S");
        out.println("        --init-std X  --tile-rows N (pairs per scoring forward)  --backend B");
        out.println("  train ials [options]              implicit ALS (conjugate gradient) + full-ranking evaluation");
        out.println("        --data DIR  --dim D  --sweeps N  --alpha X  --w0 X  --lambda X  --nu X  --cg-steps N");
        out.println("        --seed S  --init-std X  --eval-every N  --objective true|false  --save FILE  --backend B");
        out.println("  train item2vec [options]          word2vec/Item2Vec skip-gram negative sampling (default data: synthetic sessions)");
        out.println("        --data FILE (one sequence per line, or CSV session_id,item[,time])  --format text|csv");
        out.println("        --vector-size D  --window W  --min-count N  --negative K  --ns-exponent X  --sample T  --alpha X");
        out.println("        --min-alpha X  --epochs N  --seed S  --workers N  --whole-session true|false  --exact true|false  --query ITEM");
        out.println("        --save FILE  --export FILE (word2vec text)  --backend B");
        out.println("  train fm|ffm|deepfm [options]     factorization machine / field-aware FM / DeepFM on CTR data, held-out AUC");
        out.println("        default data: synthetic planted FM (--samples N --seed S); or --data FILE --format criteo|libsvm|libffm");
        out.println("        [--test FILE | --test-fraction X] --encoding vocab|hash --min-count N --buckets N --hash-seed S");
        out.println("        --bad-lines skip|fail --max-bad-fraction X --fields N (libsvm/libffm); .gz files are read as gzip");
        out.println("        --epochs N  --dim D  --batch B  --lr X  --l2 X (fm, deepfm)  --save FILE (fm, ffm, deepfm)  --backend B");
        out.println("        deepfm: --hidden 64,32  --mlp-lr X  --mlp-l2 X");
        out.println("  eval --embeddings FILE --data DIR [--k K]   full-ranking metrics of saved embeddings");
        out.println("  leaderboard [--data DIR] [--epochs N] [--sweeps N] [--results DIR] [--backend B] [--models mf,lightgcn,ngcf,ials,ncf]");
        out.println("        MF-BPR, LightGCN, NGCF, iALS and NCF on one data set, one table (and results files)");
        out.println("  index build --out FILE [--n N --nlist L --m M --nbits 4|8 --metric l2|ip --seed S --batch B --backend java|cuda|auto]");
        out.println("        IVF-PQ index over synthetic clustered vectors, with progress");
        out.println("  index search --index FILE [--queries N --k K --nprobe P --rerank R --fast-scan true|false]");
        out.println("        QPS and recall@k vs exact search");
        out.println();
        out.println("backend selection: --backend, else -Dreckernels.backend, else $RECKERNELS_BACKEND, else auto");
    }

    private static int info(String[] args, PrintStream out) {
        String kind = Backends.requestedKind();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend") && i + 1 < args.length) {
                kind = args[++i];
            } else {
                throw new IllegalArgumentException("unknown option '" + args[i] + "' (expected --backend auto|java|cuda)");
            }
        }
        Backends.Choice choice = Backends.open(kind);
        try (Backend backend = choice.backend()) {
            BackendInfo info = backend.info();
            out.println("reckernels " + version());
            out.println("backend:  " + info.name());
            out.println("reason:   " + choice.reason());
            out.println("device:   " + info.device());
            for (Map.Entry<String, String> e : info.details().entrySet()) {
                out.printf("%-9s %s%n", e.getKey() + ":", e.getValue());
            }
            out.println("kernels:");
            for (String k : info.kernels()) {
                out.println("  " + k);
            }
        }
        return 0;
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
