package org.reckernels.ann;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.reckernels.backend.Backend;
import org.reckernels.data.Interactions;
import org.reckernels.model.EmbeddingModel;
import org.reckernels.model.Item2Vec;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The retrieval stage of a two-stage recommender: the top-N items a user has not seen, by inner
 * product with the user's vector, from an {@link IvfPqIndex} over the item embeddings (item i has
 * id i). The user vectors come from the model: the user rows of a graph model's final embeddings
 * (LightGCN, NGCF, MF: rows 0..users-1 users, then items, as {@link EmbeddingModel}), or, for
 * Item2Vec, which has no user vectors, the mean of the vectors of the user's history
 * ({@link #queryFromHistory}).
 *
 * <p>Seen items are removed after the search: a query asks the index for {@code n + |seen|}
 * neighbours, of which at most |seen| can be seen, so n unseen ones remain whenever the catalogue
 * has them (fewer are returned only when fewer than n unseen items exist). Thread-safe: any
 * number of concurrent calls (the index allows concurrent searches).
 */
public final class CandidateRetriever {
    /** Top-N unseen items of one query, best first: item ids and their inner products. */
    public record Candidates(int[] items, float[] scores) {
        public int size() {
            return items.length;
        }
    }

    private final IvfPqIndex index;
    private final int items;
    private final int d;
    /** users x d, row-major; null when the retriever has no user table (Item2Vec). */
    private final float[] userVectors;
    private final int users;
    /** items x d: kept for {@link #queryFromHistory} (Item2Vec); null otherwise. */
    private final float[] itemVectors;

    private CandidateRetriever(IvfPqIndex index, int items, int d, float[] userVectors, int users, float[] itemVectors) {
        this.index = index;
        this.items = items;
        this.d = d;
        this.userVectors = userVectors;
        this.users = users;
        this.itemVectors = itemVectors;
    }

    /**
     * Over a users-then-items embedding table ((users + items) x d, row-major: the layout of
     * {@link EmbeddingModel#finalEmbeddings()} and of iALS's factors). {@code params} must use
     * {@link Metric#INNER_PRODUCT} (how these models score) and fit the item count (nlist ≤ items).
     */
    public static CandidateRetriever ofUserItemTable(float[] table, int users, int items, int d, IvfPqIndex.Params params,
                                                     Consumer<String> progress) {
        if (users < 0 || items < 1 || d < 1) {
            throw new IllegalArgumentException("CandidateRetriever: users=" + users + ", items=" + items + ", d=" + d
                    + " (need users >= 0, items >= 1, d >= 1)");
        }
        long expected = (long) (users + items) * d;
        if (table.length != expected) {
            throw new IllegalArgumentException("CandidateRetriever: the embedding table has " + table.length + " floats, not (users "
                    + users + " + items " + items + ") x d " + d + " = " + expected);
        }
        float[] itemRows = Arrays.copyOfRange(table, users * d, table.length);
        IvfPqIndex index = buildIndex(itemRows, items, d, params, progress);
        return new CandidateRetriever(index, items, d, Arrays.copyOf(table, users * d), users, null);
    }

    /** Over a graph model's final embeddings: runs {@link EmbeddingModel#forward()} and downloads them from the backend. */
    public static CandidateRetriever ofEmbeddingModel(Backend backend, EmbeddingModel model, IvfPqIndex.Params params,
                                                      Consumer<String> progress) {
        model.setTraining(false);
        model.forward();
        Matrix fin = model.finalEmbeddings();
        float[] table;
        try (HostMatrix host = HostMatrix.zeros(fin.rows(), fin.cols())) {
            backend.download(fin, host);
            table = host.toArray();
        }
        return ofUserItemTable(table, model.users(), model.items(), (int) fin.cols(), params, progress);
    }

    /**
     * Over Item2Vec's item vectors (item id = vocabulary index); users are queried with
     * {@link #queryFromHistory} of their histories (vocabulary indices).
     */
    public static CandidateRetriever ofItem2Vec(Item2Vec model, IvfPqIndex.Params params, Consumer<String> progress) {
        float[] vectors = model.vectors().toArray();
        int d = model.dim();
        int items = vectors.length / d;
        IvfPqIndex index = buildIndex(vectors, items, d, params, progress);
        return new CandidateRetriever(index, items, d, null, 0, vectors);
    }

    private static IvfPqIndex buildIndex(float[] itemRows, int items, int d, IvfPqIndex.Params params, Consumer<String> progress) {
        if (params.metric() != Metric.INNER_PRODUCT) {
            throw new IllegalArgumentException("CandidateRetriever: the models score by inner product, but the index params ask for "
                    + params.metric());
        }
        VecMath.requireFinite("CandidateRetriever item embeddings", itemRows, d);
        IvfPqIndex index = IvfPqIndex.build(itemRows, d, params, progress);
        long[] ids = new long[items];
        for (int i = 0; i < items; i++) {
            ids[i] = i;
        }
        index.add(ids, itemRows);
        progress.accept("retriever: " + items + " items indexed (" + index + ")");
        return index;
    }

    public int users() {
        return users;
    }

    public int items() {
        return items;
    }

    public int dimension() {
        return d;
    }

    public IvfPqIndex index() {
        return index;
    }

    /** Item2Vec's user vector: the mean of the vectors of the items in {@code history} (vocabulary indices). */
    public float[] queryFromHistory(int[] history) {
        if (itemVectors == null) {
            throw new IllegalStateException("queryFromHistory: this retriever has user vectors of its own (a graph model's);"
                    + " use forUser");
        }
        if (history.length == 0) {
            throw new IllegalArgumentException("queryFromHistory: the history is empty (no vector to average)");
        }
        float[] q = new float[d];
        for (int i : history) {
            if (i < 0 || i >= items) {
                throw new IllegalArgumentException("queryFromHistory: item " + i + " outside [0, " + items + ")");
            }
            for (int t = 0; t < d; t++) {
                q[t] += itemVectors[i * d + t];
            }
        }
        for (int t = 0; t < d; t++) {
            q[t] /= history.length;
        }
        return q;
    }

    /** Top-n unseen items of user {@code user} (a row of the user table), seen = {@code seen}'s items of that user. */
    public Candidates forUser(int user, Interactions seen, int n, IvfPqIndex.SearchParams sp) {
        if (userVectors == null) {
            throw new IllegalStateException("forUser: this retriever has no user table (Item2Vec); query with queryFromHistory");
        }
        if (user < 0 || user >= users) {
            throw new IllegalArgumentException("forUser: user " + user + " outside [0, " + users + ")");
        }
        checkSeen(seen);
        return forVector(userVectors, user * d, seen.itemArray(user), n, sp);
    }

    /** {@link #forUser} for every user in {@code userIds}, in parallel; element j answers userIds[j]. */
    public Candidates[] forUsers(int[] userIds, Interactions seen, int n, IvfPqIndex.SearchParams sp) {
        checkSeen(seen);
        Candidates[] out = new Candidates[userIds.length];
        IntStream.range(0, userIds.length).parallel().forEach(j -> out[j] = forUser(userIds[j], seen, n, sp));
        return out;
    }

    /**
     * Top-n items for the query {@code query[qo..qo+d)} that are not in {@code seen} (item ids, sorted
     * ascending as {@link Interactions#itemArray} gives them). {@code sp}'s k is ignored: the search
     * asks for {@code n + |seen|} neighbours (at most the catalogue), its nprobe, re-rank and fast scan
     * are used.
     */
    public Candidates forVector(float[] query, int qo, int[] seen, int n, IvfPqIndex.SearchParams sp) {
        if (n < 1) {
            throw new IllegalArgumentException("retrieve: n=" + n + " must be >= 1");
        }
        for (int i = 1; i < seen.length; i++) {
            if (seen[i] <= seen[i - 1]) {
                throw new IllegalArgumentException("retrieve: seen items must be sorted ascending without duplicates (item "
                        + seen[i] + " at position " + i + " follows " + seen[i - 1] + ")");
            }
        }
        int k = (int) Math.min(index.size(), (long) n + seen.length);
        IvfPqIndex.SearchParams search = new IvfPqIndex.SearchParams(k, sp.nprobe(), sp.rerank(), sp.fastScan());
        long[] ids = new long[k];
        float[] scores = new float[k];
        index.searchOne(query, qo, search, ids, scores, 0);
        int[] outItems = new int[Math.min(n, k)];
        float[] outScores = new float[outItems.length];
        int kept = 0;
        for (int r = 0; r < k && kept < outItems.length; r++) {
            if (ids[r] < 0 || Arrays.binarySearch(seen, (int) ids[r]) >= 0) {
                continue;
            }
            outItems[kept] = (int) ids[r];
            outScores[kept] = scores[r];
            kept++;
        }
        return new Candidates(Arrays.copyOf(outItems, kept), Arrays.copyOf(outScores, kept));
    }

    private void checkSeen(Interactions seen) {
        if (seen.numUsers() != users || seen.numItems() != items) {
            throw new IllegalArgumentException("retrieve: the seen interactions are " + seen.numUsers() + " users x "
                    + seen.numItems() + " items, the retriever " + users + " x " + items);
        }
    }
}
