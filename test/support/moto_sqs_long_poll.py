# Loaded into the tests' moto server (test/support/moto-server.ts) before it serves: one fix to moto 5.2's
# SQS long poll, so that a FIFO message whose group is unblocked during a poll is returned by that poll,
# as AWS returns it. Nothing else of moto changes: what a receive returns is what moto's own next receive
# would return, only sooner. test/contract/moto-limits.ts describes the unpatched behaviour.
#
# AWS: a ReceiveMessage long poll "waits for a message to arrive in the queue before returning. If a
# message is available, the call returns sooner than WaitTimeSeconds"
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html), and a
# FIFO message group is blocked only while a message of it is in flight: "You must delete the messages in
# the current message group ID before you can receive more messages within the same message group ID"
# (https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned).
#
# moto 5.2.1 (moto/sqs/models.py SQSBackend.receive_message) takes the in-flight groups once, when the
# poll starts: a message of such a group stays unseen for the rest of the poll even after the in-flight
# one is deleted, and the poll ends empty. Meanwhile it spins: its wait returns at once while any message
# is visible, so a poll with a visible message of a blocked group burns a core until WaitTimeSeconds ends
# (measured: 10 CPU-s for a 10 s poll). A deployer whose startup message was in flight when its next
# 20 s poll began saw an image push only after that poll ended (~19 s late in
# test/e2e/deployer/moto-eventbridge.test.ts) while moto spun.
#
# Here the blocked groups are looked at afresh on every pass, and a pass that found nothing sleeps until
# a message is added, deleted or made visible (notified), at most 1 s (visibility timeouts expire by time).
import sys
from copy import deepcopy

from moto.core.utils import unix_time
from moto.sqs import models

try:
    from moto.sqs.models import SQSBackend, _filter_message_attributes
except ImportError as error:
    # A moto 5.x laid out otherwise: serve unpatched (the QueuePort contract's long-poll test then fails
    # on moto, pointing here) rather than not at all.
    SQSBackend = None
    sys.stderr.write(f"moto_sqs_long_poll: not applied ({error})\n")
else:
    _unpatched_delete = SQSBackend.delete_message
    _unpatched_change_visibility = SQSBackend.change_message_visibility


def _notify(queue):
    with queue._messages_lock:
        queue._messages_lock.notify_all()


def delete_message(self, queue_name, receipt_handle):
    _unpatched_delete(self, queue_name, receipt_handle)
    _notify(self.get_queue(queue_name))


def change_message_visibility(self, queue_name, receipt_handle, visibility_timeout):
    _unpatched_change_visibility(self, queue_name, receipt_handle, visibility_timeout)
    _notify(self.get_queue(queue_name))


def receive_message(
    self,
    queue_name,
    count,
    wait_seconds_timeout,
    visibility_timeout,
    message_attribute_names=None,
):
    if message_attribute_names is None:
        message_attribute_names = []
    queue = self.get_queue(queue_name)
    result = []
    polling_end = unix_time() + wait_seconds_timeout

    while True:
        # One pass and its wait hold the queue's lock, so a notify cannot fall between them (the lock is
        # re-entrant: moving a message to the DLQ below takes it again).
        with queue._messages_lock:
            # The groups in flight now, not when the poll started (moto takes them once).
            currently_pending_groups = deepcopy(queue.pending_message_groups)
            messages_to_dlq = []

            for message in queue.messages:
                if not message.visible:
                    continue

                if message in queue.pending_messages:
                    # The message is pending but is visible again, so the consumer must have timed out.
                    queue.pending_messages.remove(message)
                    currently_pending_groups = deepcopy(queue.pending_message_groups)

                if message.group_id and queue.fifo_queue:
                    if message.group_id in currently_pending_groups:
                        # A previous call is still processing messages in this group.
                        continue

                if (
                    queue.dead_letter_queue is not None
                    and queue.redrive_policy
                    and message.approximate_receive_count >= queue.redrive_policy["maxReceiveCount"]
                ):
                    messages_to_dlq.append(message)
                    continue

                queue.pending_messages.add(message)
                message.mark_received(visibility_timeout=visibility_timeout)
                # A copy, so filtering the attributes does not change the stored message.
                message_copy = deepcopy(message)
                _filter_message_attributes(message_copy, message_attribute_names)
                if not self.is_message_valid_based_on_retention_period(queue_name, message):
                    break
                result.append(message_copy)
                if len(result) >= count:
                    break

            for message in messages_to_dlq:
                queue._messages.remove(message)
                queue.dead_letter_queue.add_message(message)

            remaining = polling_end - unix_time()
            if result or not wait_seconds_timeout or remaining <= 0:
                return result
            # Sleep until the queue changes (a message added, deleted or made visible: each notifies), never
            # spinning; at most 1 s, as moto's own wait, for visibility timeouts and delays that end by time.
            queue._messages_lock.wait(timeout=min(1.0, remaining))


if SQSBackend is not None:
    SQSBackend.receive_message = receive_message
    SQSBackend.delete_message = delete_message
    SQSBackend.change_message_visibility = change_message_visibility
    assert models.SQSBackend.receive_message is receive_message
