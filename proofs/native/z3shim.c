/*
 * libz3.so shim for Microsoft.Z3 4.12.x on top of a system libz3.so.4 of the 4.8 series.
 *
 * Two problems are solved here:
 *  1. The managed API calls Z3_enable_concurrent_dec_ref, which 4.8 lacks (EntryPointNotFoundException at
 *     `new Context()`). This file exports it.
 *  2. The managed wrapper releases native objects from the .NET finalizer thread (Z3Object.Finalize -> *_dec_ref)
 *     while the thread that owns the context may be inside Z3. Z3 4.12 makes that safe inside the library once
 *     concurrent dec-ref is enabled; 4.8 has no such queue, and unsynchronised dec-refs corrupt its memory.
 *     This shim records which thread created each context, queues every dec-ref that arrives from another thread,
 *     and replays the queue on the owning thread at that thread's next inc-ref or dec-ref. The queue is dropped at
 *     Z3_del_context, which frees every object of the context anyway. Deferring a decrement never frees early.
 *
 * Every other Z3_* symbol resolves through this library's dependency on libz3.so.4 (linked with --no-as-needed).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *Z3_context;
typedef void *Z3_config;
typedef void (*dec_ref_fn)(Z3_context, void *);

struct pending_release { dec_ref_fn release; void *object; };

struct context_entry {
    Z3_context context;
    pthread_t owner;
    struct pending_release *pending;
    size_t pending_count, pending_capacity;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct context_entry *contexts;
static size_t context_count, context_capacity;
static void *real_library;

static void *real_symbol(const char *name)
{
    if (!real_library) {
        real_library = dlopen("libz3.so.4", RTLD_NOW | RTLD_GLOBAL);
        if (!real_library) {
            fprintf(stderr, "z3 shim: cannot load libz3.so.4: %s\n", dlerror());
            abort();
        }
    }
    void *symbol = dlsym(real_library, name);
    if (!symbol) {
        fprintf(stderr, "z3 shim: libz3.so.4 has no symbol %s\n", name);
        abort();
    }
    return symbol;
}

/* Caller holds table_lock. */
static struct context_entry *find_context(Z3_context context)
{
    for (size_t i = 0; i < context_count; i++)
        if (contexts[i].context == context) return &contexts[i];
    return NULL;
}

/* Takes the entry's queue if the calling thread owns the context; the caller replays it outside the lock. */
static struct pending_release *take_pending_if_owner(Z3_context context, size_t *count)
{
    struct pending_release *taken = NULL;
    *count = 0;
    pthread_mutex_lock(&table_lock);
    struct context_entry *entry = find_context(context);
    if (entry && pthread_equal(entry->owner, pthread_self()) && entry->pending_count > 0) {
        taken = entry->pending;
        *count = entry->pending_count;
        entry->pending = NULL;
        entry->pending_count = entry->pending_capacity = 0;
    }
    pthread_mutex_unlock(&table_lock);
    return taken;
}

static void replay_pending(Z3_context context)
{
    size_t count;
    struct pending_release *queue = take_pending_if_owner(context, &count);
    for (size_t i = 0; i < count; i++) queue[i].release(context, queue[i].object);
    free(queue);
}

/* Returns 1 when the release was queued (foreign thread), 0 when the caller should release now. */
static int queue_if_foreign(Z3_context context, dec_ref_fn release, void *object)
{
    int queued = 0;
    pthread_mutex_lock(&table_lock);
    struct context_entry *entry = find_context(context);
    if (entry && !pthread_equal(entry->owner, pthread_self())) {
        if (entry->pending_count == entry->pending_capacity) {
            size_t capacity = entry->pending_capacity ? 2 * entry->pending_capacity : 64;
            struct pending_release *grown = realloc(entry->pending, capacity * sizeof *grown);
            if (!grown) { fprintf(stderr, "z3 shim: out of memory\n"); abort(); }
            entry->pending = grown;
            entry->pending_capacity = capacity;
        }
        entry->pending[entry->pending_count].release = release;
        entry->pending[entry->pending_count].object = object;
        entry->pending_count++;
        queued = 1;
    }
    pthread_mutex_unlock(&table_lock);
    return queued;
}

void Z3_enable_concurrent_dec_ref(Z3_context context) { (void)context; }

Z3_context Z3_mk_context_rc(Z3_config config)
{
    static Z3_context (*real)(Z3_config);
    if (!real) real = (Z3_context (*)(Z3_config))real_symbol("Z3_mk_context_rc");
    Z3_context context = real(config);
    if (!context) return context;
    pthread_mutex_lock(&table_lock);
    if (context_count == context_capacity) {
        size_t capacity = context_capacity ? 2 * context_capacity : 16;
        struct context_entry *grown = realloc(contexts, capacity * sizeof *grown);
        if (!grown) { fprintf(stderr, "z3 shim: out of memory\n"); abort(); }
        contexts = grown;
        context_capacity = capacity;
    }
    struct context_entry *entry = &contexts[context_count++];
    memset(entry, 0, sizeof *entry);
    entry->context = context;
    entry->owner = pthread_self();
    pthread_mutex_unlock(&table_lock);
    return context;
}

void Z3_del_context(Z3_context context)
{
    static void (*real)(Z3_context);
    if (!real) real = (void (*)(Z3_context))real_symbol("Z3_del_context");
    pthread_mutex_lock(&table_lock);
    struct context_entry *entry = find_context(context);
    if (entry) {
        free(entry->pending);
        *entry = contexts[--context_count];
    }
    pthread_mutex_unlock(&table_lock);
    real(context);
}

void Z3_inc_ref(Z3_context context, void *ast)
{
    static dec_ref_fn real;
    if (!real) real = (dec_ref_fn)real_symbol("Z3_inc_ref");
    replay_pending(context);
    real(context, ast);
}

#define SHIM_DEC_REF(name)                                              \
    void name(Z3_context context, void *object)                         \
    {                                                                   \
        static dec_ref_fn real;                                         \
        if (!real) real = (dec_ref_fn)real_symbol(#name);               \
        if (queue_if_foreign(context, real, object)) return;            \
        replay_pending(context);                                        \
        real(context, object);                                          \
    }

SHIM_DEC_REF(Z3_dec_ref)
SHIM_DEC_REF(Z3_apply_result_dec_ref)
SHIM_DEC_REF(Z3_ast_map_dec_ref)
SHIM_DEC_REF(Z3_ast_vector_dec_ref)
SHIM_DEC_REF(Z3_fixedpoint_dec_ref)
SHIM_DEC_REF(Z3_func_entry_dec_ref)
SHIM_DEC_REF(Z3_func_interp_dec_ref)
SHIM_DEC_REF(Z3_goal_dec_ref)
SHIM_DEC_REF(Z3_model_dec_ref)
SHIM_DEC_REF(Z3_optimize_dec_ref)
SHIM_DEC_REF(Z3_param_descrs_dec_ref)
SHIM_DEC_REF(Z3_params_dec_ref)
SHIM_DEC_REF(Z3_probe_dec_ref)
SHIM_DEC_REF(Z3_solver_dec_ref)
SHIM_DEC_REF(Z3_stats_dec_ref)
SHIM_DEC_REF(Z3_tactic_dec_ref)
