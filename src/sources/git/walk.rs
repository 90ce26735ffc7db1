//! The history of a run, read once, and git's limited walk over it.
//!
//! [`Graph`] holds every commit read so far in the run as a compact
//! record: its committer time and its parents as positions in the graph.
//! Each commit is inflated from the object database once for these; a
//! release's range (`git rev-list TAG ^PREVIOUS`) is then walked in memory,
//! and only the commits it lists are read again, for their messages. With
//! maintenance branches the hidden side of a walk goes deep (on git's own
//! history, 2.6 million commit visits for 155,000 listed): those visits
//! now cost an array access each, not a hash lookup and an allocation.
//!
//! The walk is git's own (`limit_list` in git's revision.c): a queue
//! ordered by committer time, marking of what the hidden side reaches
//! through the parents this walk has read, the same stop rule and slop.
//! Nothing of one walk's state leaks into the next, so that each range is
//! exactly what a separate `git rev-list` process would print, skewed
//! clocks included (`tests/git_walk.rs` compares them on tangled
//! histories).

use super::{Commit, Id, IdMap, Repo};
use crate::error::Result;

/// A commit's position in the [`Graph`].
type Pos = u32;

/// Not a position: a commit not met in the current walk.
const NONE: u32 = u32::MAX;

/// Every commit read in this run: ids, committer times and parents.
#[derive(Default)]
pub(super) struct Graph {
    ids: Vec<git2::Oid>,
    index: IdMap<Pos>,
    time: Vec<i64>,
    /// Where each commit's parents are in `parents` (start, count); count
    /// [`NONE`] while the commit is only known as someone's parent.
    span: Vec<(u32, u32)>,
    parents: Vec<Pos>,
    /// Per commit, its node in the current walk ([`NONE`] outside it).
    local: Vec<u32>,
    /// Per commit, how many ranges walked and not read yet list it.
    planned: Vec<u32>,
    /// Commits decoded for one range and planned for another.
    decoded: std::collections::HashMap<Pos, Commit>,
    /// Per commit, the packages of a monorepo it belongs to (a bit set).
    owners: Vec<u64>,
}

impl Graph {
    /// The position of `id`, added (not read) if new.
    fn position(&mut self, id: git2::Oid) -> Pos {
        let next = self.ids.len() as Pos;
        let pos = *self.index.entry(Id::from(id)).or_insert(next);
        if pos == next {
            self.ids.push(id);
            self.time.push(0);
            self.span.push((0, NONE));
            self.local.push(NONE);
            self.planned.push(0);
            self.owners.push(UNKNOWN_OWNERS);
        }
        pos
    }

    fn is_read(&self, pos: Pos) -> bool {
        self.span[pos as usize].1 != NONE
    }

    fn parent_count(&self, pos: Pos) -> usize {
        self.span[pos as usize].1 as usize
    }

    fn parent(&self, pos: Pos, k: usize) -> Pos {
        self.parents[self.span[pos as usize].0 as usize + k]
    }

    /// Reads commit `pos` from the repository (its time and parents, and
    /// the whole commit if `decode`), recording what the graph keeps the
    /// first time.
    fn read(&mut self, repo: &Repo, pos: Pos, decode: bool) -> Result<Option<Commit>> {
        let (time, parents, commit) = repo.read_commit(self.ids[pos as usize], decode)?;
        if !self.is_read(pos) {
            let start = self.parents.len() as u32;
            for p in parents {
                let p = self.position(p);
                self.parents.push(p);
            }
            let count = self.parents.len() as u32 - start;
            self.time[pos as usize] = time;
            self.span[pos as usize] = (start, count);
        }
        Ok(commit)
    }
}

/// Extra pops after only uninteresting commits are left, so that commits
/// with skewed clocks are still found (git and libgit2 use the same slop).
const SLOP: u32 = 5;

/// One commit met by a walk.
struct Node {
    pos: Pos,
    /// Its parents are known to this walk (git has parsed it): marking
    /// uninteresting goes on through them.
    read: bool,
    /// Reachable from the hidden side.
    uninteresting: bool,
    /// Put in the queue at least once.
    seen: bool,
    /// Waiting in the queue as an interesting commit (counted in
    /// `interesting_queued`).
    counted: bool,
    /// Its parents have been reached.
    expanded: bool,
}

/// The state of one limited walk: the commits met, by order of discovery,
/// and a queue ordered by committer time (newest first, then earliest
/// discovered).
struct Walk<'a> {
    graph: &'a mut Graph,
    repo: &'a Repo,
    nodes: Vec<Node>,
    queue: std::collections::BinaryHeap<(i64, std::cmp::Reverse<u32>)>,
    /// Interesting nodes in the queue: the walk ends when none are left.
    interesting_queued: usize,
    /// Interesting commits in the order they left the queue.
    found: Vec<u32>,
    /// Commits decoded during the walk (kept in the graph's `decoded`).
    stashed: Vec<Pos>,
}

/// Which commits of a range a read keeps.
pub(super) enum Keep<'a> {
    All,
    Where(&'a mut dyn FnMut(&Commit) -> Result<bool>),
    /// A package's: those whose bit set from `owners` has `bit`.
    Owned {
        bit: u64,
        owners: &'a mut dyn FnMut(&Commit) -> Result<u64>,
    },
}

/// Not decided yet: which packages a commit belongs to.
const UNKNOWN_OWNERS: u64 = u64::MAX;

/// The commits of a range, walked but not read yet (see [`Repo::range`]).
pub struct Range(Vec<Pos>);

impl Graph {
    /// Whether commit `ancestor` is reachable from commit `of` (or is it):
    /// the ancestry of `of` is searched newest first, through the graph,
    /// until `ancestor` turns up or nothing is left. Exact whatever the
    /// clocks say; a release tag is usually found within a few commits of
    /// the branch tip, and whatever is read stays known to the run.
    pub(super) fn reaches(
        &mut self,
        repo: &Repo,
        of: git2::Oid,
        ancestor: git2::Oid,
    ) -> Result<bool> {
        let (of, target) = (self.position(of), self.position(ancestor));
        let mut seen = vec![of];
        let mut queue = std::collections::BinaryHeap::new();
        self.local[of as usize] = 0;
        queue.push((0i64, of));
        let mut search = || -> Result<bool> {
            while let Some((_, pos)) = queue.pop() {
                if pos == target {
                    return Ok(true);
                }
                if !self.is_read(pos) {
                    self.read(repo, pos, false)?;
                }
                for k in 0..self.parent_count(pos) {
                    let p = self.parent(pos, k);
                    if self.local[p as usize] == NONE {
                        self.local[p as usize] = 0;
                        seen.push(p);
                        if !self.is_read(p) {
                            self.read(repo, p, false)?;
                        }
                        queue.push((self.time[p as usize], p));
                    }
                }
            }
            Ok(false)
        };
        let found = search();
        // Nothing of this search is left for the next walk.
        for p in seen {
            self.local[p as usize] = NONE;
        }
        found
    }

    /// Commits reachable from `to` and not from `hide`, in the order of
    /// [`Repo::commits`], reading only what the graph does not know yet.
    /// Each commit of the range counts as one more planned read of it.
    pub(super) fn range(
        &mut self,
        repo: &Repo,
        to: git2::Oid,
        hide: Option<git2::Oid>,
    ) -> Result<Range> {
        let mut walk = Walk {
            graph: self,
            repo,
            nodes: Vec::new(),
            queue: Default::default(),
            interesting_queued: 0,
            found: Vec::new(),
            stashed: Vec::new(),
        };
        let result = walk.run(to, hide);
        let Walk { nodes, stashed, .. } = walk;
        let range = result.map(Range);
        if let Ok(range) = &range {
            for &p in &range.0 {
                self.planned[p as usize] += 1;
            }
        }
        // Commits decoded that turned out to be outside the range (and
        // that no other planned range lists) are not kept.
        for p in stashed {
            if self.planned[p as usize] == 0 {
                self.decoded.remove(&p);
            }
        }
        // The next walk starts from nothing, as a new git process would.
        for n in &nodes {
            self.local[n.pos as usize] = NONE;
        }
        range
    }

    /// The commits of `range`, decoded. A commit that another planned
    /// range lists too is kept until that range is read, so that each is
    /// inflated and decoded once however many releases list it.
    pub(super) fn read_range(
        &mut self,
        repo: &Repo,
        range: Range,
        mut keep: Keep<'_>,
    ) -> Result<Vec<Commit>> {
        let mut out = Vec::with_capacity(range.0.len());
        for p in range.0 {
            let i = p as usize;
            self.planned[i] = self.planned[i].saturating_sub(1);
            if let Keep::Owned { bit, .. } = keep {
                if self.owners[i] != UNKNOWN_OWNERS && self.owners[i] & bit == 0 {
                    continue;
                }
            }
            if repo.share {
                // Decoded once for all the packages of the run.
                if let Some(c) = repo.shared_commit(self.ids[i])? {
                    if self.keeps(i, &c, &mut keep)? {
                        out.push((*c).clone());
                    }
                }
                continue;
            }
            let again = self.planned[i] > 0;
            let commit = match self.decoded.remove(&p) {
                Some(c) => c,
                None => match self.read(repo, p, true)? {
                    Some(c) => c,
                    None => continue,
                },
            };
            if again {
                self.decoded.insert(p, commit.clone());
            }
            if self.keeps(i, &commit, &mut keep)? {
                out.push(commit);
            }
        }
        Ok(out)
    }

    /// Whether `keep` keeps commit `i`, recording its owners.
    fn keeps(&mut self, i: usize, c: &Commit, keep: &mut Keep<'_>) -> Result<bool> {
        Ok(match keep {
            Keep::All => true,
            Keep::Where(f) => f(c)?,
            Keep::Owned { bit, owners } => {
                if self.owners[i] == UNKNOWN_OWNERS {
                    self.owners[i] = owners(c)? & !(1 << 63);
                }
                self.owners[i] & *bit != 0
            }
        })
    }
}

impl Walk<'_> {
    fn run(&mut self, to: git2::Oid, hide: Option<git2::Oid>) -> Result<Vec<Pos>> {
        let to = self.graph.position(to);
        self.discover(to, false)?;
        if let Some(h) = hide {
            let h = self.graph.position(h);
            self.discover(h, true)?;
        }
        self.limit()?;
        self.sorted()
    }

    /// The walk's node for commit `pos`, new if the walk has not met it.
    fn node(&mut self, pos: Pos) -> u32 {
        let local = self.graph.local[pos as usize];
        if local != NONE {
            return local;
        }
        let i = self.nodes.len() as u32;
        self.graph.local[pos as usize] = i;
        self.nodes.push(Node {
            pos,
            read: false,
            uninteresting: false,
            seen: false,
            counted: false,
            expanded: false,
        });
        i
    }

    /// Reaches a commit: reads it the first time in this walk, marks it
    /// (and everything the walk knows of its ancestry) uninteresting when
    /// reached from the hidden side, and queues it the first time.
    fn discover(&mut self, pos: Pos, hidden: bool) -> Result<()> {
        let i = self.node(pos) as usize;
        if !self.nodes[i].read {
            if !self.graph.is_read(pos) {
                // Read from the interesting side, the commit is most likely
                // in the range: it is decoded now, from the same inflated
                // bytes, and kept for the range's read.
                let interesting = !hidden && !self.nodes[i].uninteresting;
                if let Some(c) = self.graph.read(self.repo, pos, interesting)? {
                    self.graph.decoded.insert(pos, c);
                    self.stashed.push(pos);
                }
            }
            self.nodes[i].read = true;
        }
        if hidden || self.nodes[i].uninteresting {
            self.mark_uninteresting(i);
        }
        // From the hidden side a commit is queued again even if seen, as
        // git does: the walk then goes on long enough to catch commits
        // that skewed clocks put out of order.
        let time = self.graph.time[pos as usize];
        let n = &mut self.nodes[i];
        if !n.seen || hidden {
            n.seen = true;
            if !n.uninteresting {
                n.counted = true;
                self.interesting_queued += 1;
            }
            self.queue.push((time, std::cmp::Reverse(i as u32)));
        }
        Ok(())
    }

    /// Marks a node and every ancestor this walk has read uninteresting,
    /// including parents not read yet: they enter the walk already marked.
    fn mark_uninteresting(&mut self, start: usize) {
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            let n = &mut self.nodes[i];
            // The start is walked even if marked already: it may have been
            // marked before it was read, when its parents were not known.
            if n.uninteresting && i != start {
                continue;
            }
            n.uninteresting = true;
            if n.counted {
                n.counted = false;
                self.interesting_queued -= 1;
            }
            if n.read {
                let pos = n.pos;
                for k in 0..self.graph.parent_count(pos) {
                    let p = self.graph.parent(pos, k);
                    stack.push(self.node(p) as usize);
                }
            }
        }
    }

    /// Pops commits newest first until only uninteresting ones are left
    /// (plus the slop), collecting the interesting ones.
    fn limit(&mut self) -> Result<()> {
        let mut slop = SLOP;
        let mut last_time = i64::MAX;
        while let Some((time, std::cmp::Reverse(i))) = self.queue.pop() {
            let n = &mut self.nodes[i as usize];
            if n.counted {
                n.counted = false;
                self.interesting_queued -= 1;
            }
            let hidden = n.uninteresting;
            let expand = !n.expanded;
            n.expanded = true;
            let pos = n.pos;
            if expand {
                for k in 0..self.graph.parent_count(pos) {
                    let p = self.graph.parent(pos, k);
                    self.discover(p, hidden)?;
                }
            }
            if hidden {
                let newer_waiting = self.queue.peek().is_some_and(|&(t, _)| t >= last_time);
                if self.interesting_queued > 0 || newer_waiting {
                    slop = SLOP;
                } else {
                    slop -= 1;
                    if slop == 0 {
                        break;
                    }
                }
                continue;
            }
            last_time = time;
            self.found.push(i);
        }
        Ok(())
    }

    /// The interesting commits in topological order: a commit comes after
    /// all of its children; among the ready ones, the newest first.
    fn sorted(&mut self) -> Result<Vec<Pos>> {
        let keep: Vec<u32> = self
            .found
            .iter()
            .copied()
            .filter(|&i| !self.nodes[i as usize].uninteresting)
            .collect();
        // Children within the range, per node (NONE: not in range).
        let mut children = vec![NONE; self.nodes.len()];
        for &i in &keep {
            children[i as usize] = 0;
        }
        let graph = &*self.graph;
        let in_walk = |pos: Pos| graph.local[pos as usize];
        for &i in &keep {
            let pos = self.nodes[i as usize].pos;
            for k in 0..graph.parent_count(pos) {
                let j = in_walk(graph.parent(pos, k));
                if j != NONE && children[j as usize] != NONE {
                    children[j as usize] += 1;
                }
            }
        }
        let time = |i: u32| graph.time[self.nodes[i as usize].pos as usize];
        let mut ready: std::collections::BinaryHeap<(i64, std::cmp::Reverse<u32>)> = keep
            .iter()
            .filter(|&&i| children[i as usize] == 0)
            .map(|&i| (time(i), std::cmp::Reverse(i)))
            .collect();
        let mut order = Vec::with_capacity(keep.len());
        while let Some((_, std::cmp::Reverse(i))) = ready.pop() {
            let pos = self.nodes[i as usize].pos;
            for k in 0..graph.parent_count(pos) {
                let j = in_walk(graph.parent(pos, k));
                if j == NONE || children[j as usize] == NONE {
                    continue;
                }
                children[j as usize] -= 1;
                if children[j as usize] == 0 {
                    ready.push((time(j), std::cmp::Reverse(j)));
                }
            }
            order.push(i);
        }
        Ok(order
            .into_iter()
            .map(|i| self.nodes[i as usize].pos)
            .collect())
    }
}
