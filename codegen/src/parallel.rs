//! The one place the generator uses more than one thread: region files are read and checked,
//! and region modules emitted and printed, independently of each other.

/// `f` applied to every item, on up to as many threads as the machine runs at once, each
/// taking a contiguous share; the results come back in the items' order, so the output does
/// not depend on the number of threads.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let share = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(share)
            .map(|chunk| {
                // The main thread's stack size, not a spawned thread's 2 MiB: a deeply nested
                // spec must not overflow here where it would not in one thread.
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, move || chunk.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        // A thread that cannot be started: its share is done here instead.
        workers
            .into_iter()
            .zip(items.chunks(share))
            .flat_map(|(worker, chunk)| match worker {
                Ok(worker) => join(worker),
                Err(_) => chunk.iter().map(f).collect(),
            })
            .collect()
    })
}

fn join<R>(worker: std::thread::ScopedJoinHandle<'_, Vec<R>>) -> Vec<R> {
    match worker.join() {
        Ok(results) => results,
        // A panic in `f` is a bug in the generator: carry it to the caller.
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The stack of each worker: 8 MiB, the main thread's on Linux.
const STACK: usize = 8 << 20;

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1001).collect();
        let doubled = super::map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |n| *n).is_empty());
    }
}
