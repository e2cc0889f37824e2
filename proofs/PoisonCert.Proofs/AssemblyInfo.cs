// Proofs run one at a time. Each query has its own Z3 context, but queries that take milliseconds alone have run
// into their 60 s timeout while other contexts were solving in parallel in the same process (a softmax lemma and a
// quantified twin, each once); run sequentially, the whole assembly takes about as long (the machine has two
// cores) and every query's time is its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
