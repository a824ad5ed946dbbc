package org.reckernels.eval;

/**
 * Scores of every item for a block of users, for models whose score is not an inner product of
 * final embeddings (NCF's network, say). Full ranking asks for {@code users x items} scores in
 * blocks of at most {@link #maxUsersPerCall()} users; the caller masks train items and keeps the top K.
 */
public interface UserItemScorer {
    int users();

    int items();

    /** The largest {@code count} one {@link #score} call accepts (>= 1). */
    int maxUsersPerCall();

    /**
     * Writes the scores of users {@code [from, from + count)} against items {@code 0..items-1} into
     * {@code out[(u − from)·items + i]}; {@code out} holds at least {@code count·items} floats.
     */
    void score(int from, int count, float[] out);
}
