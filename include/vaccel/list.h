/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intrusive doubly-linked list. A head is an entry whose next/prev point to itself when
 * empty; an element entry that points to itself is "unlinked".
 */
#ifndef VACCEL_LIST_H
#define VACCEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_list_entry {
	struct vaccel_list_entry *next;
	struct vaccel_list_entry *prev;
};

typedef struct vaccel_list_entry vaccel_list_t;

/* Static initializer: `struct vaccel_list_entry e = LIST_ENTRY_INIT(e);` */
#define LIST_ENTRY_INIT(name)                                                                      \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}

/* Pointer to the struct that contains `ptr` as member `member`. */
#define vaccel_container_of(ptr, type, member)                                                     \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static inline void vaccel_list_init(struct vaccel_list_entry *e)
{
	e->next = e;
	e->prev = e;
}

static inline bool vaccel_list_empty(const struct vaccel_list_entry *head)
{
	return head->next == head;
}

/* True if an element entry is linked into some list. */
static inline bool vaccel_list_linked(const struct vaccel_list_entry *e)
{
	return e->next && e->next != e;
}

static inline void vaccel_list_add_tail(struct vaccel_list_entry *head, struct vaccel_list_entry *e)
{
	e->prev = head->prev;
	e->next = head;
	head->prev->next = e;
	head->prev = e;
}

/* Unlink `e` and leave it pointing to itself. */
static inline void vaccel_list_unlink(struct vaccel_list_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e;
	e->prev = e;
}

/* Iterate entries of `head`; `iter` is a struct vaccel_list_entry *. Not removal-safe. */
#define vaccel_list_for_each(iter, head)                                                           \
	for ((iter) = (head)->next; (iter) != (head); (iter) = (iter)->next)

/* Removal-safe iteration; `tmp` is a second struct vaccel_list_entry *. */
#define vaccel_list_for_each_safe(iter, tmp, head)                                                 \
	for ((iter) = (head)->next, (tmp) = (iter)->next; (iter) != (head);                        \
	     (iter) = (tmp), (tmp) = (iter)->next)

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_LIST_H */
