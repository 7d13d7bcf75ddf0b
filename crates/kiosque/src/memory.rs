//! How the binary allocates, and how it hands memory back.
//!
//! Batch commands (an import parses and indexes millions of short strings)
//! allocate small blocks with mimalloc, markedly faster at it than the
//! system allocator. A server is different: it holds one read model (about a
//! hundred megabytes at 100,000 entities) and replaces it whole when the
//! catalog changes, from whichever thread; mimalloc keeps freed pages per
//! thread for reuse, so a server's memory settles far above what it holds.
//! `kiosque serve` therefore switches every new allocation to the system
//! allocator, with large blocks (a megabyte and up) each mapped on their own
//! and the heap trimmed after each swap: the old model's memory goes back to
//! the system at once.
//!
//! Switching at run time is sound because a block is always freed by the
//! allocator that owns it: mimalloc can tell its own blocks from any other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Allocations of this size and up always go to the system allocator.
const LARGE: usize = 1 << 20;

/// Whether small blocks go to mimalloc (until a server switches it off).
static SMALL_TO_MIMALLOC: AtomicBool = AtomicBool::new(true);

pub struct SplitAllocator;

impl SplitAllocator {
    fn mimalloc_for(size: usize) -> bool {
        size < LARGE && SMALL_TO_MIMALLOC.load(Ordering::Relaxed)
    }

    fn owned_by_mimalloc(ptr: *mut u8) -> bool {
        // Safety: a lookup in mimalloc's page map; any address may be asked.
        unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
    }
}

// Safety: every block is freed, or grown, by the allocator that owns it,
// as mimalloc's page map tells; new blocks come from either, with the
// alignment asked for.
unsafe impl GlobalAlloc for SplitAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::mimalloc_for(layout.size()) {
            MiMalloc.alloc(layout)
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::mimalloc_for(layout.size()) {
            MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if Self::owned_by_mimalloc(ptr) {
            MiMalloc.dealloc(ptr, layout)
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match (Self::owned_by_mimalloc(ptr), Self::mimalloc_for(new_size)) {
            (true, true) => MiMalloc.realloc(ptr, layout, new_size),
            (false, false) => System.realloc(ptr, layout, new_size),
            _ => {
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

/// From now on, every new block comes from the system allocator (see the
/// module documentation). Blocks already made by mimalloc stay valid.
pub fn serve_from_system_allocator() {
    SMALL_TO_MIMALLOC.store(false, Ordering::Relaxed);
}

/// Makes the system allocator map every large block on its own (by
/// default its threshold grows as blocks are freed, and large blocks would
/// then land in a heap that is never given back).
pub fn map_large_blocks() {
    // Safety: mallopt only sets a tuning parameter of the C allocator.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE as i32);
    }
}

/// Returns what both allocators hold free to the system: mimalloc's free
/// pages, and the C heap (the server's, and SQLite's page cache) trimmed.
pub fn release_free_memory() {
    // Safety: both only walk their allocator's own free lists.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_bytes_across_sizes_and_a_switch_of_allocator() {
        let mut buffer: Vec<u8> = Vec::new();
        let mut small_before_switch = vec![7u8; 100];
        for (step, size) in [10, LARGE - 1, LARGE, 3 * LARGE, LARGE - 1, 7].into_iter().enumerate() {
            if step == 3 {
                // Blocks made before the switch are freed and grown by their owner.
                serve_from_system_allocator();
                small_before_switch.resize(200_000, 7);
            }
            let before = buffer.len().min(size);
            buffer.resize(size, 0);
            for (i, byte) in buffer.iter_mut().enumerate().skip(before) {
                *byte = (i % 251) as u8;
            }
            buffer.shrink_to_fit();
            assert!(buffer.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8), "bytes lost at size {size}");
        }
        let aligned = Layout::from_size_align(2 * LARGE, 4096).unwrap();
        // Safety: allocated and freed with the same layout.
        unsafe {
            let block = SplitAllocator.alloc_zeroed(aligned);
            assert!(!block.is_null() && (block as usize).is_multiple_of(4096));
            assert_eq!(*block.add(2 * LARGE - 1), 0);
            SplitAllocator.dealloc(block, aligned);
        }
        assert!(small_before_switch.iter().all(|b| *b == 7));
    }
}
